"""Load version 1 of the default UK template.

This is the only copy of the default template's text: every database gets the same version 1.
A changed template is a new version: add it in a new migration, or create it in the portal.
The placeholders' labels for drafters are in ``agreements/text.py``.
"""

import json

from django.db import migrations

TEMPLATE = json.loads(
    r"""
{
 "name": "Campus and police partnership memorandum of understanding",
 "description": "A plain-English memorandum of understanding between a UK university or college and its local police force for preventing and responding to sexual violence, harassment, hate crime, violence against women and girls, and exploitation. It follows the elements of the White House Task Force's sample agreement, adapted to UK law, with optional clauses for county lines, other local agencies and third-party reporting.",
 "clauses": [
  {
   "section": 1,
   "key": "parties",
   "heading": "The parties",
   "body": "This memorandum of understanding is made between {institution} and {police_force}, together called the parties.\n\nEach party has a senior sponsor who is accountable for the partnership: {institution_sponsor} for {institution}, and {police_sponsor} for {police_force}. The sponsors make sure the partnership has the time and resources it needs, and that it stays part of how each organisation responds to harm affecting students.",
   "guidance": "Use each organisation's full formal name. Choose sponsors senior enough to commit staff time and budget, such as a pro vice-chancellor and a superintendent; without senior commitment partnerships tend to fade when individual staff move on.",
   "required": true,
   "element": "Task Force element: parties to the agreement; UK source: Universities UK taskforce report on working with the local police (senior-level commitment)",
   "section_title": "Parties, purpose and scope",
   "order": 0
  },
  {
   "section": 1,
   "key": "purpose",
   "heading": "Purpose",
   "body": "The purpose of this memorandum is to set out how the parties will work together to prevent, and to respond to, sexual violence, harassment, hate crime, violence against women and girls, and the exploitation of students.\n\nIn particular, the parties aim to give students a consistent response wherever they first ask for help; to reduce the barriers that stop students from reporting; to raise awareness of what behaviour is unacceptable; to improve each party's understanding of these incidents and their effect on students; and to build students' trust and confidence in the police.\n\nThe parties recognise that a partnership works only with willingness on both sides, good lines of communication and information flowing in both directions, and that each party should be able to see how its contribution has made a difference.",
   "guidance": "Add or remove aims to reflect the priorities agreed at your first meeting, and keep the list short enough to measure against in section 9.",
   "required": true,
   "element": "Task Force element: purpose of the agreement; UK sources: Universities UK taskforce report and a police view of a healthy partnership (two-way communication)",
   "section_title": "Parties, purpose and scope",
   "order": 1
  },
  {
   "section": 1,
   "key": "points_of_contact",
   "heading": "Single points of contact",
   "body": "{institution} names {institution_contact} as its single point of contact for this memorandum, and {police_force} names {police_contact}.\n\nThe single points of contact are the first route for day-to-day communication between the parties. They arrange meetings, keep each other's contact details up to date and make sure requests reach the right person. Each party will name a deputy to cover absences and will tell the other party in writing, promptly, if its single point of contact changes.\n\nThe single points of contact are not an emergency route. Anyone in immediate danger, or reporting a crime in progress, should call 999.",
   "guidance": "Name a role as well as a person (for example the head of student safety, or the neighbourhood inspector for the campus area) so the memorandum survives staff changes. Agree how each side reaches the other out of hours, such as through the institution's 24-hour security control room and the force control room.",
   "required": true,
   "element": "Task Force element: designated points of contact",
   "section_title": "Parties, purpose and scope",
   "order": 2
  },
  {
   "section": 1,
   "key": "scope",
   "heading": "Area covered",
   "body": "This memorandum covers {area_covered}.\n\nWithin that area, it applies to incidents that involve students or staff of {institution}, and to incidents on premises the institution owns or manages, including teaching buildings, halls of residence and other student accommodation, and to the streets, transport routes and venues around them that students use.\n\nThis memorandum does not limit where either party may act. Incidents outside the area are handled through the ordinary routes of the police force responsible for that area.",
   "guidance": "Describe the area concretely: list each campus and hall and name the surrounding wards or streets. Say whether privately run student accommodation is included, and if a campus lies in another force's area, consider a separate memorandum with that force.",
   "required": true,
   "element": "Task Force element: jurisdiction and geographic scope",
   "section_title": "Parties, purpose and scope",
   "order": 3
  },
  {
   "section": 2,
   "key": "survivor_centred",
   "heading": "Survivor-centred and trauma-informed",
   "body": "Both parties will put the safety, needs and wishes of the person who has been harmed at the centre of their response. Staff and officers will listen, take what the person says seriously, explain the options clearly and avoid asking them to repeat their account more often than is necessary.\n\nBoth parties will work in a trauma-informed way. They recognise that trauma can affect how a person remembers and describes events and how they react afterwards, and they will not treat those effects as a reason to doubt someone.\n\nBoth parties will treat everyone involved fairly, including a person who is accused, and will meet their duties under the Equality Act 2010 so that their response is accessible and does not disadvantage anyone because of a protected characteristic.",
   "guidance": "Keep this principle even if others are shortened: it is the core of the approach. Ask the students' union and a local specialist support service to read the wording before it is agreed.",
   "required": true,
   "element": "Task Force element: victim-centred, trauma-informed approach; UK addition: Equality Act 2010",
   "section_title": "Principles",
   "order": 4
  },
  {
   "section": 2,
   "key": "student_decides",
   "heading": "The student decides whether to report",
   "body": "A student who has experienced harm decides whether to report it to the police. {institution} will explain the options, including reporting to the police, reporting anonymously, reporting to the institution only, or getting support without making any report, and will support the student whatever they choose.\n\n{institution} will not pass a student's identity or account to the police without their consent, unless the law requires it or there is a serious risk of harm to the student or to others, such as a risk to life or to a child. If that happens, the student will be told, unless telling them would increase the risk.\n\n{police_force} will respect a student's wishes as far as its duties allow, and will explain honestly what it can and cannot do if the student does not want an investigation to go ahead.",
   "guidance": "Set out in the institution's own procedure who may decide to share information without consent and how that decision is recorded; consult the data protection officer and the safeguarding lead. Do not promise absolute confidentiality, because neither party can give it.",
   "required": true,
   "element": "Task Force element: respecting the victim's choice and confidentiality",
   "section_title": "Principles",
   "order": 5
  },
  {
   "section": 2,
   "key": "statutory_duties",
   "heading": "Statutory duties and independence",
   "body": "This memorandum is a statement of shared intent and is not legally binding (see section 11). Nothing in it overrides or limits either party's statutory duties or powers, including duties to safeguard children and adults at risk, and duties on data protection and equality.\n\nNothing in it affects the operational independence of {police_force}, including decisions on whether and how to investigate, arrest or refer a case for prosecution, or the responsibility of {institution} for applying its own regulations and procedures.\n\nIf this memorandum and a legal duty point in different directions, the legal duty comes first, and the party concerned will tell the other party where it is able to.",
   "guidance": "Where a student is under 18 or an adult at risk, safeguarding procedures apply in addition to this memorandum, so refer to the institution's safeguarding policy. In England, check the wording against the institution's obligations under the Office for Students' condition of registration on harassment and sexual misconduct.",
   "required": true,
   "element": "Task Force element: compliance with law and each party's authority, adapted to UK statutory duties",
   "section_title": "Principles",
   "order": 6
  },
  {
   "section": 3,
   "key": "sexual_violence",
   "heading": "Sexual violence and consent",
   "body": "The definitions in this section explain what the parties mean when they use these words in this memorandum. They do not replace the legal definitions of criminal offences or the definitions in the institution's own policies.\n\nSexual violence means any sexual act, or attempted sexual act, done to a person without their consent. It includes rape, assault by penetration, sexual assault (touching of a sexual nature without consent), causing a person to take part in sexual activity without consent, and sharing, or threatening to share, intimate images of a person without their consent.\n\nConsent means agreeing by choice, with the freedom and capacity to make that choice. A person who is asleep, unconscious or too intoxicated to choose cannot consent, and agreeing to one act, or on one occasion, is not agreement to another.",
   "guidance": "These descriptions follow the Sexual Offences Act 2003 (England and Wales). In Scotland use the Sexual Offences (Scotland) Act 2009 and in Northern Ireland the Sexual Offences (Northern Ireland) Order 2008, and align the wording with the institution's sexual misconduct policy.",
   "required": true,
   "element": "Task Force element: definitions",
   "section_title": "Definitions",
   "order": 7
  },
  {
   "section": 3,
   "key": "harassment",
   "heading": "Harassment, stalking and violence against women and girls",
   "body": "Harassment means unwanted behaviour that violates a person's dignity or creates an intimidating, hostile, degrading, humiliating or offensive environment for them. Sexual harassment is such behaviour of a sexual nature. In criminal law, harassment also means a course of conduct, on at least two occasions, that causes a person alarm or distress; stalking is a more serious form of it.\n\nHarassment can happen in person, online or through messages, and may come from strangers, other students, staff, or partners and former partners.\n\nViolence against women and girls means acts of violence or abuse that fall disproportionately on women and girls, including sexual violence, domestic abuse, stalking and harassment. The parties recognise that people of any sex or gender can be victims of these crimes and will support everyone affected.",
   "guidance": "The first paragraph draws on the Equality Act 2010 and the Protection from Harassment Act 1997; check that it matches the institution's dignity and harassment policies. Scotland and Northern Ireland have their own harassment and stalking laws.",
   "required": true,
   "element": "Task Force element: definitions",
   "section_title": "Definitions",
   "order": 8
  },
  {
   "section": 3,
   "key": "hate_crime_and_incident",
   "heading": "Hate crime and hate incident",
   "body": "A hate crime is any criminal offence that the victim, or anyone else, believes was motivated by hostility or prejudice towards a person because of their race, religion, sexual orientation, disability or transgender identity, including characteristics the offender believed the person to have.\n\nA hate incident is behaviour that is seen in the same way but is not a crime. Hate incidents can still cause serious harm. Whether the police record one is a matter for the police under the national rules that apply to them; the institution may respond to a hate incident under its own policies whether or not the police record it.",
   "guidance": "These are the five strands monitored by police in England and Wales; some forces also record hostility based on sex or gender. The Hate Crime and Public Order (Scotland) Act 2021 covers further characteristics. If the institution's policies cover more characteristics, say so here.",
   "required": true,
   "element": "Task Force element: definitions, adapted to UK hate crime recording",
   "section_title": "Definitions",
   "order": 9
  },
  {
   "section": 3,
   "key": "exploitation_and_county_lines",
   "heading": "Exploitation and county lines",
   "body": "Exploitation means using a person for someone else's gain through force, threats, deception, coercion, or abuse of power or of the person's vulnerability. It includes criminal exploitation, sexual exploitation, modern slavery and human trafficking, and financial exploitation such as persuading students to let their bank accounts be used to move criminal money (money muling).\n\nCounty lines is a form of criminal exploitation in which organised networks move and sell illegal drugs from one area into another, using a dedicated phone line or other means to take orders, and use children or vulnerable adults to carry, store or sell drugs and money. It often involves coercion, intimidation and violence, and can include taking over a vulnerable person's home to deal drugs from it (cuckooing).",
   "guidance": "Keep this definition even if the optional county lines clause in section 13 is not used, because students can be victims or targets for recruitment. A person exploited into committing offences may be a victim of modern slavery under the Modern Slavery Act 2015.",
   "required": true,
   "element": "Task Force element: definitions; UK source: a police view of partnership against county lines",
   "section_title": "Definitions",
   "order": 10
  },
  {
   "section": 3,
   "key": "disclosure_and_report",
   "heading": "Disclosure, report and the people involved",
   "body": "A disclosure is when a person tells a member of staff, an officer or someone else about harm they have experienced. A disclosure is not, by itself, a formal report and does not commit the person to any further step.\n\nA report is a formal complaint, made to the police so that they can consider a criminal investigation, or to the institution under its own procedures. An anonymous report is made without giving the name of the person reporting. A third-party report is made through someone else, such as a support organisation or a reporting centre.\n\nThe reporting party is the person who has experienced harm and come forward; the responding party is the person accused of causing it. Both parties will use neutral language about a person accused until the facts have been decided by the proper process.",
   "guidance": "Use the same terms as the institution's policies so that staff are not confused; some institutions prefer 'victim-survivor' to 'reporting party'. Agree the terms with the students' union.",
   "required": true,
   "element": "Task Force element: definitions",
   "section_title": "Definitions",
   "order": 11
  },
  {
   "section": 4,
   "key": "liaison_meetings",
   "heading": "Regular liaison",
   "body": "The single points of contact will meet {meeting_frequency} to discuss recent incidents and trends, agree actions and check progress against this memorandum. Meetings may be in person or online, and each will end with a short note of decisions and actions that both parties keep.\n\nOther colleagues will be invited when the agenda needs them, such as the institution's security, student support and accommodation teams, the force's neighbourhood policing team and its specialist units, and the students' union.\n\nThe senior sponsors will meet at least once a year, and at any other time either of them asks, to review the partnership as a whole.",
   "guidance": "Choose a frequency both sides can keep; missed meetings are an early sign that a partnership is weakening. Meeting notes must not name victims or hold other personal data unless that is strictly necessary and covered by the information sharing agreement.",
   "required": true,
   "element": "Task Force element: regular communication and meetings",
   "section_title": "Communication and coordination",
   "order": 12
  },
  {
   "section": 4,
   "key": "serious_incident_notification",
   "heading": "Notification of serious incidents",
   "body": "{police_force} will tell {institution}, through the single points of contact and as soon as it is operationally possible, about any serious incident it knows of that poses a continuing threat to the safety of students or staff, so that the institution can warn its community and take steps to protect it. Examples include a series of sexual assaults in an area used by students, attacks aimed at people because of their race or religion, or a suspect still at large near a campus.\n\n{institution} will tell {police_force} promptly about serious incidents it learns of that may need a police response, in line with sections 2 and 8.\n\nWhere time allows, the parties will agree the wording of any warning before it is issued, so that it helps people stay safe without identifying a victim or harming an investigation.",
   "guidance": "There is no UK legal duty equivalent to the US Clery Act's timely warnings, so this is a voluntary commitment. Agree an out-of-hours route, such as the force control room calling the institution's 24-hour security desk, and decide in advance who at the institution can approve a warning.",
   "required": true,
   "element": "Task Force element: timely warnings of ongoing threats (Clery Act), adapted to the UK",
   "section_title": "Communication and coordination",
   "order": 13
  },
  {
   "section": 4,
   "key": "anonymised_statistics",
   "heading": "Statistics and trends",
   "body": "{police_force} will give {institution} anonymised statistics {statistics_frequency} on reported crimes and incidents in the area covered that involve students or affect the campus community, broken down by type and by location where this does not allow anyone to be identified.\n\n{institution} will share, on the same timetable, anonymised figures on the disclosures and reports it has received, by type, and on how many people it has supported or referred to specialist services.\n\nThe parties will use these figures to understand trends, plan prevention and measure progress. Small numbers will be withheld or grouped where they could allow a person to be identified.",
   "guidance": "Police systems do not always record whether a victim or suspect is a student, so agree what can realistically be produced, for example figures by postcode area. Agree a rule for small numbers, such as withholding counts below five, with both data protection officers.",
   "required": true,
   "element": "Task Force element: sharing crime statistics (Clery Act reporting), adapted to the UK",
   "section_title": "Communication and coordination",
   "order": 14
  },
  {
   "section": 4,
   "key": "police_presence",
   "heading": "Police presence and office hours on campus",
   "body": "Where resources allow, {police_force} will provide a regular, visible presence on campus, such as a named neighbourhood officer or police community support officer holding office hours at an agreed place and time that is published to students and staff.\n\n{institution} will provide a suitable private room for these sessions and will publicise them. Students will be told beforehand that a crime they describe to an officer may be recorded by the police, and that they can instead speak in confidence to the institution's support staff.",
   "guidance": "Office hours work best at fixed, well-publicised times in a place students already use, where a visit is not conspicuous. Review how well they are used after a term and move or retime them if needed.",
   "required": false,
   "element": "Task Force element: law enforcement presence and accessibility on campus",
   "section_title": "Communication and coordination",
   "order": 15
  },
  {
   "section": 4,
   "key": "joint_public_statements",
   "heading": "Public statements and the media",
   "body": "Where an incident involves both parties, they will try to agree the content and timing of any public statement before either makes one, and each will give the other advance notice of any statement about the other's role.\n\nNo statement will identify, or give details likely to identify, the alleged victim of a sexual offence, whose anonymity is protected by law. Once a person has been arrested, no statement will include comment that could prejudice criminal proceedings.\n\nThis does not stop either party from issuing an urgent safety warning, or from meeting its own legal duties, without waiting for the other's agreement.",
   "guidance": "Name the press offices on both sides and how to reach them out of hours. Involve legal advisers whenever a statement concerns a person who has been arrested or charged, because the Contempt of Court Act 1981 applies from arrest.",
   "required": true,
   "element": "Task Force element: coordinated public communications",
   "section_title": "Communication and coordination",
   "order": 16
  },
  {
   "section": 4,
   "key": "escalation",
   "heading": "Resolving problems",
   "body": "If either party is concerned about how this memorandum is working, including a case that was not handled as agreed, it will first raise the concern with the other party's single point of contact, who will respond within a time agreed between them.\n\nIf the concern is not resolved, it will be passed to the senior sponsors, {institution_sponsor} and {police_sponsor}, who will discuss it and agree what to do.\n\nThis process is for the partnership only. It does not replace the police complaints system, the institution's complaints procedure, or anyone's right to complain to an independent body.",
   "guidance": "Agree response times that are realistic, such as five working days at the first stage. Public materials for students should point to the usual routes, such as the force's professional standards department and, in England and Wales, the Office of the Independent Adjudicator for Higher Education.",
   "required": true,
   "element": "Task Force element: conflict resolution and escalation",
   "section_title": "Communication and coordination",
   "order": 17
  },
  {
   "section": 5,
   "key": "joint_campaigns",
   "heading": "Joint awareness campaigns",
   "body": "The parties will plan and run joint awareness campaigns each academic year on, at least, consent, bystander intervention, and how and where to report hate crime and sexual violence. Campaigns will explain the full range of reporting and support options, including anonymous and third-party routes.\n\nThe parties will involve the students' union and student groups in designing campaigns, and will make materials accessible, including to disabled students and students whose first language is not English.\n\nCampaigns will focus on the behaviour of people who cause harm and of those who witness it, and will not suggest that victims are responsible for preventing sexual violence.",
   "guidance": "Agree a shared calendar at the start of the year so campaigns match busy periods such as welcome week and the end of term. Build on any bystander programme the institution already runs rather than starting a new one.",
   "required": true,
   "element": "Task Force element: joint prevention and education; UK source: Universities UK taskforce report (police involvement in prevention)",
   "section_title": "Prevention",
   "order": 18
  },
  {
   "section": 5,
   "key": "welcome_week",
   "heading": "Welcome week",
   "body": "Where resources allow, {police_force} will take part in the institution's welcome week and other induction events to introduce local officers, explain how to report crime and get help, and give practical safety advice, for example on getting home safely at night, drink spiking and staying safe online.\n\nThe parties will agree the messages in advance so that they are consistent with the institution's own guidance and with the principles in section 2.",
   "guidance": "Book police attendance early, as welcome week often coincides with other demands on the force. International students may be unfamiliar with policing in the UK, and a short session for them can build trust.",
   "required": true,
   "element": "Task Force element: joint prevention and education",
   "section_title": "Prevention",
   "order": 19
  },
  {
   "section": 5,
   "key": "hotspot_problem_solving",
   "heading": "Problem-solving at hotspots",
   "body": "Where statistics or local knowledge show that incidents cluster at a particular place, such as a poorly lit route between campus and halls, a late-night venue or a transport stop, the parties will agree a problem-solving plan. The plan will describe the problem, set out actions for each party and for anyone else responsible for the place, and set a date to check whether it has worked.\n\nActions may include changes to lighting, CCTV, security patrols, licensing conditions or the design of a space, as well as targeted police patrols.",
   "guidance": "A recognised method such as the SARA model (scanning, analysis, response, assessment), used by many forces, keeps plans focused. Involve the local authority where it owns the street or licenses the venue.",
   "required": false,
   "element": "Task Force element: coordinated prevention; UK adaptation: problem-oriented policing",
   "section_title": "Prevention",
   "order": 20
  },
  {
   "section": 5,
   "key": "measuring_prevention",
   "heading": "Measuring whether prevention works",
   "body": "For each campaign or prevention activity, the parties will agree at the start what it is meant to change and how they will tell whether it has, for example through student survey results, attendance, changes in reporting or the number of incidents at a hotspot.\n\nThe parties will review the results at their regular meetings and stop, change or extend activities according to what they learn. They recognise that a rise in reports can show greater confidence rather than more harm, and will read the figures with that in mind.",
   "guidance": "Choose a few measures that can be collected without much extra work; the institution's existing student surveys may already ask about safety and confidence to report.",
   "required": true,
   "element": "Task Force element: evaluation of prevention efforts",
   "section_title": "Prevention",
   "order": 21
  },
  {
   "section": 6,
   "key": "roles",
   "heading": "Each party's role",
   "body": "{police_force} is responsible for receiving reports of crime, assessing risk, investigating, protecting victims and witnesses, and deciding, with the prosecuting authority where relevant, whether criminal proceedings should follow.\n\n{institution} is responsible for supporting its students and staff, taking reasonable steps to keep its community safe, giving clear information about reporting and support, and dealing with breaches of its own regulations through its own procedures. It does not investigate crimes or decide whether a crime has been committed.\n\nWhen a case needs a coordinated response, either party will contact the other through the single points of contact, and they will agree who does what.",
   "guidance": "The prosecuting authority is the Crown Prosecution Service in England and Wales, the Crown Office and Procurator Fiscal Service in Scotland and the Public Prosecution Service in Northern Ireland. Refer to each party's internal procedures so staff can find the detail.",
   "required": true,
   "element": "Task Force element: roles and responsibilities of each party",
   "section_title": "Response to reported incidents",
   "order": 22
  },
  {
   "section": 6,
   "key": "support_referrals",
   "heading": "Referral to specialist support",
   "body": "Both parties will make sure that a person who has experienced sexual violence is told about, and helped to reach, specialist support, whether or not they report to the police. This includes the local sexual assault referral centre, which offers medical care and forensic examination and in many areas can store forensic evidence while the person decides whether to report; an independent sexual violence adviser; and Rape Crisis or another specialist support service.\n\nFor hate crime, harassment and exploitation, the parties will refer people to suitable specialist services, such as victim support services and organisations that support particular communities.\n\nThe parties will keep an up-to-date list of local services, with contact details and opening hours, and give it to the staff most likely to receive disclosures.",
   "guidance": "Check the local sexual assault referral centre's self-referral arrangements and how long it keeps forensic samples, and whether independent sexual violence advisers are available specifically for students. Rape Crisis England and Wales and Rape Crisis Scotland are separate networks.",
   "required": true,
   "element": "Task Force element: victim services and advocacy, adapted to UK services",
   "section_title": "Response to reported incidents",
   "order": 23
  },
  {
   "section": 6,
   "key": "preserving_evidence",
   "heading": "Preserving evidence",
   "body": "Staff who receive a disclosure of a recent sexual assault will first make sure the person is safe and has any urgent medical care. They will then explain, without pressure, that some evidence is lost quickly, and that the sexual assault referral centre or the police can advise on preserving it, for example by not washing or changing clothes if possible and by keeping messages and images.\n\nStaff will not question the person in detail, examine them or collect physical evidence. They will make a brief, factual note of what was said, in the person's own words, with the date, time and who was present, and keep it securely.\n\nWhen {institution} learns of a possible serious offence on its premises, it will take steps to stop relevant CCTV footage, door-access records and similar material from being overwritten, so that it is available if the matter is reported, and will provide it to {police_force} on a lawful request.",
   "guidance": "Check how long CCTV and door-access records are kept before being overwritten; it is often only a few weeks. Staff notes may later be requested in criminal proceedings, so train staff to record facts, not opinions.",
   "required": true,
   "element": "Task Force element: evidence collection and preservation",
   "section_title": "Response to reported incidents",
   "order": 24
  },
  {
   "section": 6,
   "key": "parallel_processes",
   "heading": "Disciplinary processes alongside a criminal investigation",
   "body": "When the police are investigating a matter, {institution} will tell {police_force} before it starts, continues or decides any disciplinary process about the same events, and {police_force} will say promptly whether that process could prejudice the investigation or a prosecution.\n\nWhile the police are investigating, the institution will normally pause its own investigation of the facts the police are examining. It may still take precautionary measures to protect people, such as no-contact requirements, changes to accommodation or teaching arrangements, or interim suspension, after considering any police advice. It will keep these measures under review and treat everyone involved fairly.\n\nThe parties will keep each other informed of progress, including a decision to take no further action or to charge, so that the institution can decide when to resume its process. The institution's process decides only whether its regulations have been broken; it does not decide whether a crime has been committed.",
   "guidance": "Follow the current sector guidance on student misconduct that may also be a criminal offence, such as the Universities UK guidance prepared with Pinsent Masons. Agree who in the force will advise the institution on each case, and record the advice given.",
   "required": true,
   "element": "Task Force element: concurrent criminal investigation and campus proceedings, adapted to UK practice",
   "section_title": "Response to reported incidents",
   "order": 25
  },
  {
   "section": 6,
   "key": "anonymous_and_third_party_reporting",
   "heading": "Anonymous and third-party reporting",
   "body": "The parties will promote ways to report without going to a police station or giving a name, including Crimestoppers for anonymous reports of crime, True Vision and the force's own online reporting for hate crime, and any third-party reporting centres in the area.\n\n{institution} will provide a way for students and staff to report incidents to it anonymously, and will share anonymised information from these reports with {police_force} where it suggests a pattern or a risk to others, in line with section 8.\n\n{police_force} will explain to the institution how it deals with anonymous and third-party reports, so that the institution can tell students honestly what will happen to them.",
   "guidance": "Check every year that the links and telephone numbers in public materials are current. Anonymous reports are hard to act on alone, but patterns across them can guide patrols and prevention, which is worth explaining to students.",
   "required": true,
   "element": "Task Force element: confidential and anonymous reporting options, adapted to UK routes",
   "section_title": "Response to reported incidents",
   "order": 26
  },
  {
   "section": 7,
   "key": "specialist_police_training",
   "heading": "Specialist training from the police",
   "body": "{police_force} will offer {institution} specialist training from its relevant units, where they are able to provide it, to help staff understand particular crimes and respond well. This will include sexual assault awareness training from officers who investigate rape and serious sexual offences, such as a Rape and Serious Crime Unit, covering what happens after a report and how the process is experienced by a victim.\n\nThe parties will agree each year which courses are offered, to which staff and with how many places. Sessions will be offered {training_frequency}.",
   "guidance": "Ask the force which unit is best placed to deliver the training, as names and structures differ between forces. Give priority to staff most likely to receive disclosures: accommodation, security, student support, wellbeing and personal tutors.",
   "required": true,
   "element": "Task Force element: training; UK source: Universities UK taskforce report (specialist training from the police)",
   "section_title": "Training",
   "order": 27
  },
  {
   "section": 7,
   "key": "cultural_awareness_training",
   "heading": "Cultural awareness training",
   "body": "The parties will arrange cultural awareness training to help staff understand and support students from particular communities, such as Islamic cultural awareness training to help staff support Muslim students better, and training on the experiences of other groups who are often targeted by hate crime.\n\nThe parties will invite community and faith organisations, and students from the communities concerned, to help shape the training and, where suitable, to deliver it.",
   "guidance": "Choose topics from local hate crime patterns and student feedback. The force's community engagement team may already deliver such training, and the institution's chaplaincy or faith advisers can help.",
   "required": false,
   "element": "UK source: Universities UK taskforce report (Islamic cultural awareness training)",
   "section_title": "Training",
   "order": 28
  },
  {
   "section": 7,
   "key": "disclosure_training",
   "heading": "Training for staff who receive disclosures",
   "body": "{institution} will make sure that staff who are likely to receive disclosures have trauma-informed training in how to respond: listening without judgement, making the person safe, explaining the options including reporting to the police, making referrals, and recording the disclosure and preserving evidence as described in section 6.\n\n{police_force} will contribute to this training when asked, so that staff can explain accurately what happens when someone reports to the police.",
   "guidance": "List which roles must complete the training and how often it must be refreshed; the portal's training needs matrix can track this. Include accommodation and security staff, who often receive disclosures at night.",
   "required": true,
   "element": "Task Force element: training in trauma-informed response",
   "section_title": "Training",
   "order": 29
  },
  {
   "section": 7,
   "key": "cross_training_and_records",
   "heading": "Cross-training and training records",
   "body": "The parties will learn from each other. {institution} will brief officers and police staff who work with students on its support services, reporting tools, accommodation and disciplinary procedures. {police_force} will invite institution staff to relevant police training where this is suitable.\n\nEach party will keep a record of the training it delivers under this memorandum, including dates, topics, numbers attending and feedback, and will report the totals at each review under section 9.",
   "guidance": "Sessions where officers and support staff train together build working relationships as well as knowledge. Attendance lists are personal data, so share totals rather than names unless the people concerned agree.",
   "required": true,
   "element": "Task Force element: cross-training and joint training",
   "section_title": "Training",
   "order": 30
  },
  {
   "section": 8,
   "key": "data_protection_law",
   "heading": "Data protection law and the basis for sharing",
   "body": "The parties will share personal data only where it is lawful, necessary and proportionate, in line with the UK General Data Protection Regulation (UK GDPR), the Data Protection Act 2018, the Human Rights Act 1998 and the common law duty of confidence. Each party is a separate controller of the personal data it holds and is responsible for its own decisions to share.\n\nBefore sharing personal data, the sharing party will identify and record the lawful basis it relies on. The institution will usually process personal data under the UK GDPR; the police will usually process it for law enforcement purposes under Part 3 of the Data Protection Act 2018. Section 115 of the Crime and Disorder Act 1998 gives a power to disclose information to the police where this is necessary or expedient for the purposes of that Act, such as reducing crime, but it does not remove the need to comply with data protection law.\n\nWhen the police ask the institution for personal data about a student or member of staff, they will do so in writing, stating the purpose and why the data is needed. In an emergency the request may be made orally and confirmed in writing afterwards. The institution will consider each request on its own facts.",
   "guidance": "Consult both data protection officers before the memorandum is signed; the Information Commissioner's data sharing code of practice is the main guide. Police requests for student data often rely on the crime and taxation exemption in Schedule 2 to the Data Protection Act 2018, but each request must still be assessed.",
   "required": true,
   "element": "Task Force element: information sharing consistent with privacy law (FERPA), adapted to UK GDPR and the Data Protection Act 2018",
   "section_title": "Information sharing and data protection",
   "order": 31
  },
  {
   "section": 8,
   "key": "minimisation_and_special_category_data",
   "heading": "Sharing only what is needed",
   "body": "Each party will share the minimum personal data needed for the purpose. Where anonymised or aggregated information is enough, such as for trends and statistics, no personal data will be shared.\n\nInformation about a person's health, sex life, sexual orientation, racial or ethnic origin or religious beliefs is special category data, and information about criminal allegations, proceedings or convictions is criminal offence data. Both need extra care. The sharing party will record the condition that permits the sharing, under the UK GDPR and Schedule 1 to the Data Protection Act 2018 or, for the police, the rules on sensitive processing in Part 3 of that Act, and will share the data only with people who need it.\n\nThe parties will not record victims' names or other identifying details in meeting notes, statistics or general correspondence about the partnership.",
   "guidance": "The institution will usually need an appropriate policy document for special category and criminal offence data; check with the data protection officer that it covers this sharing. When in doubt, describe the situation without identifying anyone and ask whether the other party needs more.",
   "required": true,
   "element": "Task Force element: confidentiality of victim information, adapted to UK data protection law",
   "section_title": "Information sharing and data protection",
   "order": 32
  },
  {
   "section": 8,
   "key": "secure_channels_and_retention",
   "heading": "Security, retention and breaches",
   "body": "Personal data will be shared only by secure methods agreed by both parties, such as encrypted email between approved accounts or a secure file transfer service, and never through personal email, messaging apps or social media. Information shared by telephone will be followed by a written record of what was shared and why.\n\nEach party will keep shared personal data securely, limit access to staff who need it, keep it no longer than its retention schedule allows for the purpose for which it was shared, and then delete it securely.\n\nEach party will tell the other promptly about any personal data breach affecting shared data, so that each can meet its own duties, including reporting to the Information Commissioner's Office within 72 hours where required.",
   "guidance": "Confirm the methods with both IT security teams; some forces use a secure email service for partners, such as Criminal Justice Secure eMail. Police retention follows national guidance on the management of police information, so retention periods will differ between the parties.",
   "required": true,
   "element": "Task Force element: protection of shared records, adapted to UK GDPR security and storage limitation",
   "section_title": "Information sharing and data protection",
   "order": 33
  },
  {
   "section": 8,
   "key": "information_sharing_agreement",
   "heading": "Separate information sharing agreement",
   "body": "This memorandum does not by itself provide for the routine sharing of personal data. Before sharing personal data regularly or in bulk, the parties will put in place a separate information sharing agreement covering the purpose, the data to be shared, the lawful basis and conditions, the methods of sharing, retention, the rights of the people concerned and how the sharing will be reviewed, supported by a data protection impact assessment where one is needed.\n\nSharing in an emergency, or in a single case, may take place without such an agreement where the law allows, and will be recorded by the party that shares.",
   "guidance": "Many forces have a standard information sharing agreement; ask the force's information management or data protection team. Keep victim-identifying details out of the portal's information share records, which are designed for minimised summaries.",
   "required": true,
   "element": "Task Force element: protocols for sharing information; UK adaptation: Information Commissioner's data sharing code of practice",
   "section_title": "Information sharing and data protection",
   "order": 34
  },
  {
   "section": 8,
   "key": "outcome_feedback",
   "heading": "Feedback on information shared",
   "body": "Information should flow both ways. When {institution} passes information to {police_force}, for example about a person who may be at risk, a problem location or a concern about exploitation, {police_force} will tell the institution, where it can, what happened as a result, such as a safeguarding visit, an arrest or a change to patrols.\n\nWhere details cannot be shared, feedback will be given in general terms, and it will never include anything that could compromise an investigation or needlessly identify a person. The parties will check at their regular meetings how much of the information shared has received feedback.",
   "guidance": "Showing partners that their information mattered is what keeps it coming. Agree a realistic time for feedback, such as 30 days, which matches the portal's reminder for information shared without feedback.",
   "required": true,
   "element": "UK source: a police view of a healthy partnership (two-way flow of information and showing outcomes)",
   "section_title": "Information sharing and data protection",
   "order": 35
  },
  {
   "section": 9,
   "key": "review",
   "heading": "Regular review",
   "body": "The parties will review this memorandum together every {review_interval}, and sooner if there is a significant change in the law or in either party's structures, or after a serious incident that tests the arrangements.\n\nEach review will consider whether the commitments in this memorandum have been kept, what the measures of success show, what students, staff and officers have said, and whether changes are needed. The single points of contact will prepare a short written report of the review for the senior sponsors.",
   "guidance": "Agree at the outset who gathers the figures for each review, and invite the students' union to contribute. Changes agreed at a review are made under the variation clause in section 10.",
   "required": true,
   "element": "Task Force element: periodic review and evaluation",
   "section_title": "Review and measures of success",
   "order": 36
  },
  {
   "section": 9,
   "key": "measures_of_success",
   "heading": "Measures of success",
   "body": "The parties will judge the partnership against measures agreed at the start of each year. These may include whether meetings, notifications and statistics happened as agreed; the number of staff and officers trained; how much of the information shared received feedback; the number and type of disclosures and reports over time; referrals to, and use of, specialist support; how quickly requests were dealt with; and students' confidence in reporting to the police and to the institution, measured by survey.\n\nThe parties will not use the number of reports alone as a target, because more reports may reflect greater trust rather than more harm.",
   "guidance": "Pick five or six measures that can be collected without much extra work, and report them the same way every year so that trends are visible. The portal's partnership health indicators cover several of them.",
   "required": true,
   "element": "Task Force element: evaluation and measures of effectiveness",
   "section_title": "Review and measures of success",
   "order": 37
  },
  {
   "section": 10,
   "key": "term_and_variation",
   "heading": "Term and variation",
   "body": "This memorandum lasts for {term} from {effective_date}, unless it is ended earlier under this section or replaced by a new memorandum.\n\nThe parties may change this memorandum at any time by agreement in writing, approved by both senior sponsors. A change takes effect from the date it is agreed or from a later date stated in it. Changes to names, contact details or single points of contact may be made by written notice without a formal variation.",
   "guidance": "A term of two or three years, with reviews in between, suits most partnerships. Start discussing renewal well before the term ends so that the partnership is not left without an agreement.",
   "required": true,
   "element": "Task Force element: effective date, term and amendment",
   "section_title": "Term, variation and termination",
   "order": 38
  },
  {
   "section": 10,
   "key": "termination",
   "heading": "Ending the memorandum",
   "body": "Either party may end this memorandum by giving the other {notice_period} in writing, addressed to the other party's senior sponsor. The parties may also end it at any time by agreement.\n\nBefore giving notice, a party will normally raise its concerns through the process in section 4, so that the other party has a chance to resolve them.\n\nEnding this memorandum does not end either party's duties towards personal data already shared, which will continue to be protected, kept and deleted as set out in section 8 and in any information sharing agreement.",
   "guidance": "A notice period of around three months gives time to tell students and staff about any change to arrangements. Check that any information sharing agreement has matching termination terms.",
   "required": true,
   "element": "Task Force element: termination",
   "section_title": "Term, variation and termination",
   "order": 39
  },
  {
   "section": 11,
   "key": "status_and_costs",
   "heading": "Legal status and costs",
   "body": "This memorandum records the shared intentions of the parties. It is not a contract, it is not legally binding, and neither party intends it to create legal obligations. It does not give rights to students, staff or anyone else.\n\nEach party will meet its own costs in carrying out this memorandum unless the parties agree otherwise in writing for a particular activity. Nothing in it commits either party to provide money or resources beyond what it decides to make available.",
   "guidance": "If the parties want to fund a post or a project jointly, record that in a separate written agreement approved by each party's finance lead. Ask both legal teams to confirm the status wording.",
   "required": true,
   "element": "Task Force element: non-binding status and resources",
   "section_title": "Status, costs and freedom of information",
   "order": 40
  },
  {
   "section": 11,
   "key": "freedom_of_information",
   "heading": "Freedom of information",
   "body": "Both parties are public authorities under the Freedom of Information Act 2000, and this memorandum may be published or disclosed on request. Each party will deal with requests it receives in line with that Act.\n\nWhere a party receives a request for information that came from the other party, it will consult the other party before deciding whether to disclose it, where practicable, and will take its views into account; the decision rests with the party that received the request. Some information may be exempt, for example where disclosure would prejudice the prevention or detection of crime, or where it is personal data.",
   "guidance": "In Scotland the Freedom of Information (Scotland) Act 2002 applies instead. Some private higher education providers are not public authorities; adjust the first sentence if so. Consider publishing the signed memorandum, as openness builds students' trust.",
   "required": true,
   "element": "UK addition: Freedom of Information Act 2000 (no direct Task Force equivalent)",
   "section_title": "Status, costs and freedom of information",
   "order": 41
  },
  {
   "section": 12,
   "key": "signatures",
   "heading": "Signatures",
   "body": "This memorandum is signed for {institution} by {institution_sponsor} and for {police_force} by {police_sponsor}, as the senior sponsors of the partnership.\n\nBy signing, each sponsor records their organisation's commitment to the intentions set out in this memorandum and to providing the leadership and resources needed to carry them out.",
   "guidance": "Check each organisation's scheme of delegation to confirm the sponsor may sign; some forces require a chief officer to sign partnership agreements. The portal records who signed, when, and a fingerprint of the exact text signed.",
   "required": true,
   "element": "Task Force element: signatures of authorised officials",
   "section_title": "Signatures",
   "order": 42
  },
  {
   "section": 13,
   "key": "county_lines",
   "heading": "Exploitation and county lines",
   "body": "The parties recognise that criminal networks may target students, for example to carry or sell drugs, to let their bank accounts be used to move criminal money, or to take over their accommodation, and that a student who is being exploited may appear to be taking part willingly.\n\n{institution} will help staff, especially in accommodation, security and student support, to recognise the signs of exploitation and to pass concerns to {police_force} through the agreed route. Useful information includes concerns about a person who may be at risk, people or vehicles linked to dealing, problem locations, how people are being recruited and which drug lines are operating. {police_force} will brief the institution on current local threats and recruitment methods.\n\nThe parties will treat students who are being exploited as potential victims first. {police_force} will consider a referral to the National Referral Mechanism where modern slavery may be involved, and both parties will support prevention and diversion work alongside enforcement.",
   "guidance": "Useful where county lines activity is known locally; the force's exploitation or county lines lead can advise. Remind staff that anyone who does not want to report directly can use Crimestoppers, and that personal data passed under this clause must follow section 8.",
   "required": false,
   "element": "UK source: a police view of a healthy partnership against county lines (National County Lines Coordination Centre); Task Force element: coordinated response",
   "section_title": "Optional provisions",
   "order": 43
  },
  {
   "section": 13,
   "key": "other_agencies",
   "heading": "Other local agencies",
   "body": "The parties will invite other local agencies to join the partnership where this would help, such as the local authority (including its community safety, licensing and safeguarding teams), NHS and other health services, the sexual assault referral centre, specialist support services, the students' union, and faith leaders and community groups.\n\nOther agencies may take part in meetings and activities without signing this memorandum. An agency that is to receive or share personal data must first be brought within an information sharing agreement.",
   "guidance": "The local community safety partnership is often the easiest way in; ask the local authority's community safety team. Faith and community leaders can help reach students who are less likely to go to the police.",
   "required": false,
   "element": "Task Force element: partnership with other community agencies; UK source: Universities UK taskforce report (local authorities, the NHS and religious leaders)",
   "section_title": "Optional provisions",
   "order": 44
  },
  {
   "section": 13,
   "key": "hate_crime_reporting_centre",
   "heading": "Hate crime third-party reporting centre",
   "body": "{institution} will host a hate crime third-party reporting centre on campus, where students, staff and visitors can report hate crimes and hate incidents to trained staff. With the person's consent, or anonymously if they prefer, the staff will pass the report to {police_force}.\n\n{police_force} will provide or arrange training for the staff who run the centre, publicise it in its own materials, and give feedback on the reports it receives where it can.",
   "guidance": "Check whether the force or local authority already runs a third-party reporting scheme the centre can join, so that reports reach the police in a standard form. Make sure the centre's location and hours are accessible and well publicised.",
   "required": false,
   "element": "UK adaptation: third-party hate crime reporting (extends the Task Force element on reporting options)",
   "section_title": "Optional provisions",
   "order": 45
  },
  {
   "section": 13,
   "key": "night_time_patrols",
   "heading": "Joint patrols in the night-time economy",
   "body": "The parties will run joint patrols or a visible joint presence at agreed night-time hotspots used by students, for example on the busiest nights of welcome week and at the end of term, involving officers, the institution's security staff and, where agreed, student or street volunteer schemes.\n\nPatrols will focus on safety and welfare: helping people made vulnerable by alcohol or drugs, spotting predatory behaviour, and supporting venue schemes for people who feel unsafe. After each period of patrols, the parties will review what was found and whether to continue.",
   "guidance": "Agree who leads each patrol, how staff and volunteers contact officers, and the limits of the role of anyone who is not a police officer. Involve licensed venues and any local schemes such as Ask for Angela.",
   "required": false,
   "element": "UK adaptation: night-time economy safety (builds on the Task Force element on prevention)",
   "section_title": "Optional provisions",
   "order": 46
  }
 ]
}
"""
)


def load(apps, schema_editor):
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    TemplateClause = apps.get_model("agreements", "TemplateClause")
    if AgreementTemplate.objects.filter(name=TEMPLATE["name"], version=1).exists():
        return
    template = AgreementTemplate.objects.create(
        name=TEMPLATE["name"], version=1, description=TEMPLATE["description"], is_current=True
    )
    TemplateClause.objects.bulk_create(
        TemplateClause(
            template=template,
            section=clause["section"],
            section_title=clause["section_title"],
            order=clause["order"],
            key=clause["key"],
            heading=clause["heading"],
            body=clause["body"],
            guidance=clause["guidance"],
            required=clause["required"],
            element=clause["element"],
        )
        for clause in TEMPLATE["clauses"]
    )


def unload(apps, schema_editor):
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    AgreementTemplate.objects.filter(name=TEMPLATE["name"], version=1, agreements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
